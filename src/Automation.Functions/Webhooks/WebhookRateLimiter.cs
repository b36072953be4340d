using System.Collections.Concurrent;

namespace Automation.Functions.Webhooks;

/// <summary>
/// Per-rule rate limits: a token bucket per rule holding a minute's allowance, refilled continuously. The buckets live
/// in each instance's memory, so with N instances a rule may accept up to N times its limit (documented).
/// </summary>
public sealed class WebhookRateLimiter(TimeProvider time)
{
    private readonly ConcurrentDictionary<long, Bucket> _buckets = new();

    /// <summary>Null when the call may proceed; else how long until it would.</summary>
    public TimeSpan? TryAcquire(long ruleId, int perMinute)
    {
        var bucket = _buckets.GetOrAdd(ruleId, _ => new Bucket());
        var now = time.GetTimestamp();
        lock (bucket)
        {
            if (bucket.Limit != perMinute)
            {
                bucket.Limit = perMinute;
                bucket.Tokens = perMinute;
                bucket.Last = now;
            }

            var perSecond = perMinute / 60.0;
            bucket.Tokens = Math.Min(perMinute, bucket.Tokens + (time.GetElapsedTime(bucket.Last, now).TotalSeconds * perSecond));
            bucket.Last = now;
            if (bucket.Tokens >= 1)
            {
                bucket.Tokens -= 1;
                return null;
            }

            return TimeSpan.FromSeconds((1 - bucket.Tokens) / perSecond);
        }
    }

    private sealed class Bucket
    {
        public int Limit { get; set; } = -1;

        public double Tokens { get; set; }

        public long Last { get; set; }
    }
}
