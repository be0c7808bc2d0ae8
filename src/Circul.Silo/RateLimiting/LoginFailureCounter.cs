namespace Circul.Silo.RateLimiting;

/// <summary>Failed logins of one key (a username or a client address), with the attempts in flight and the lock.
/// Attempts in flight count against the allowance, so concurrent guesses cannot all pass the check before the first
/// failure is recorded.</summary>
internal sealed class LoginFailureCounter
{
    private readonly Lock _lock = new();
    private int _failures;
    private int _pending;
    private DateTimeOffset _lastFailure;
    private DateTimeOffset _lockedUntil;
    private bool _removed;

    /// <summary>Admits one attempt, or says how long to wait. False with <paramref name="removed"/> when the sweep has
    /// dropped this counter (the caller takes a fresh one).</summary>
    public bool TryAdmit(DateTimeOffset now, LoginThrottlePolicy policy, int allowance, out TimeSpan retryAfter, out bool removed)
    {
        lock (_lock)
        {
            retryAfter = TimeSpan.Zero;
            removed = _removed;
            if (removed)
            {
                return false;
            }

            if (_pending == 0 && _failures > 0 && now - _lastFailure >= policy.Window)
            {
                _failures = 0;
            }

            if (now < _lockedUntil)
            {
                retryAfter = _lockedUntil - now;
                return false;
            }

            // Past the allowance one attempt at a time: its failure sets the next lock.
            if (_failures + _pending >= allowance && _pending > 0)
            {
                retryAfter = policy.LockAfter(_failures + _pending, allowance);
                return false;
            }

            _pending++;
            return true;
        }
    }

    /// <summary>The admitted attempt failed; returns the lock it started, if any.</summary>
    public TimeSpan? Fail(DateTimeOffset now, LoginThrottlePolicy policy, int allowance)
    {
        lock (_lock)
        {
            _pending--;
            _failures++;
            _lastFailure = now;
            if (_failures < allowance)
            {
                return null;
            }

            var lockFor = policy.LockAfter(_failures, allowance);
            if (now + lockFor > _lockedUntil)
            {
                _lockedUntil = now + lockFor;
            }

            return lockFor;
        }
    }

    /// <summary>The admitted attempt succeeded: the key starts again from zero.</summary>
    public void Reset()
    {
        lock (_lock)
        {
            _pending--;
            _failures = 0;
            _lockedUntil = default;
        }
    }

    /// <summary>The admitted attempt ended without a verdict on the password (or the key is not reset by success).</summary>
    public void Abandon()
    {
        lock (_lock)
        {
            _pending--;
        }
    }

    /// <summary>Marks the counter removed when it holds nothing worth keeping: no attempt in flight, no lock, and
    /// (unless <paramref name="force"/>) no failure within the window.</summary>
    public bool TryRemove(DateTimeOffset now, TimeSpan window, bool force)
    {
        lock (_lock)
        {
            if (_pending > 0 || now < _lockedUntil || (!force && _failures > 0 && now - _lastFailure < window))
            {
                return false;
            }

            _removed = true;
            return true;
        }
    }
}
