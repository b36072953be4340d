using System.Collections.Concurrent;

namespace Automation.Core.Rules;

/// <summary>
/// Where admin code runs. The interpreter's environment is synchronous and waits on storage, which must not block the
/// thread pool; a thread of its own per script is safe but costs a thread start each time, and under CPU pressure the
/// new thread waits to be scheduled. These are long-lived threads fed from one queue: a script waits for a free thread
/// instead (bounded concurrency), and none is created per action.
/// </summary>
public static class ScriptThreads
{
    /// <summary>Scripts running at once. They mostly wait on storage, so more than the cores.</summary>
    public static readonly int Count = Math.Max(8, Environment.ProcessorCount * 4);

    private static readonly BlockingCollection<Action> Work = [];

    /// <summary>Set while a script runs, and flowing into the storage calls it waits on (which may run more code).</summary>
    private static readonly AsyncLocal<bool> InScript = new();

    static ScriptThreads()
    {
        for (var i = 0; i < Count; i++)
        {
            new Thread(Serve) { IsBackground = true, Name = $"script-{i}" }.Start();
        }
    }

    /// <summary>Runs <paramref name="script"/> on a script thread; the task completes with its result or exception.</summary>
    public static Task<T> RunAsync<T>(Func<T> script)
    {
        ArgumentNullException.ThrowIfNull(script);
        if (InScript.Value)
        {
            // Code run by a script's own write (a computed field): run it here. Queuing it could deadlock: its script
            // waits for it, and every script thread might be waiting the same way.
            try
            {
                return Task.FromResult(script());
            }
            catch (Exception e)
            {
                return Task.FromException<T>(e);
            }
        }

        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Work.Add(() =>
        {
            InScript.Value = true;
            try
            {
                done.TrySetResult(script());
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
            finally
            {
                InScript.Value = false;
            }
        });
        return done.Task;
    }

    private static void Serve()
    {
        foreach (var item in Work.GetConsumingEnumerable())
        {
            item();
        }
    }
}
