namespace Automation.Core.Models;

/// <summary>Every model the engine knows: the built-in ones and those admins defined.</summary>
public interface IModelRegistry
{
    Task<ModelDefinition?> FindAsync(string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<ModelDefinition>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Creates or replaces a custom model (validated by the caller).</summary>
    Task SaveAsync(ModelDefinition model, CancellationToken cancellationToken);

    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken);
}
