using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Circul.Contracts;
using Circul.Grains;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Circul.Silo.RateLimiting;

/// <summary>
/// Failed logins per username and, separately, per client address (this silo's memory). Within
/// <see cref="LoginThrottleOptions.WindowSeconds"/>, the failure that uses up a key's allowance locks it for
/// <see cref="LoginThrottleOptions.FirstLockMs"/>, each further failure doubles the lock up to
/// <see cref="LoginThrottleOptions.MaxLockSeconds"/>; a locked key answers 429 with <c>Retry-After</c> without
/// looking at the password. A success resets the username (not the address: an attacker's own account must not wash
/// its address clean). Unknown usernames are counted like known ones, so the answers say nothing about which exist.
/// </summary>
public sealed partial class LoginThrottle
{
    private static readonly TimeSpan SweepInterval = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan ForcedSweepInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, LoginFailureCounter> _counters = new(StringComparer.Ordinal);
    private readonly LoginThrottleOptions _options;
    private readonly LoginThrottlePolicy _policy;
    private readonly TimeProvider _time;
    private readonly ILogger<LoginThrottle> _logger;
    private long _lastSweepTicks;
    private long _lastForcedSweepTicks;

    public LoginThrottle(IOptions<LoginThrottleOptions> options, TimeProvider time, ILogger<LoginThrottle> logger)
    {
        _options = options.Value;
        _policy = LoginThrottlePolicy.From(_options);
        _time = time;
        _logger = logger;
    }

    /// <summary>Counters held now (usernames and addresses).</summary>
    internal int Count => _counters.Count;

    /// <summary>Runs one login <paramref name="attempt"/> unless the username or the address is locked. An attempt
    /// failing with 401 counts as a failure; a result resets the username; anything else counts as nothing.</summary>
    public async Task<Results<TResult, JsonHttpResult<RateLimitedDto>>> GuardAsync<TResult>(HttpContext context, string username, Func<Task<TResult>> attempt)
        where TResult : IResult
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(username);
        ArgumentNullException.ThrowIfNull(attempt);
        if (!_options.Enabled)
        {
            return await attempt();
        }

        var now = _time.GetUtcNow();
        Sweep(now);
        var address = context.Connection.RemoteIpAddress;
        var userKey = "u:" + username.ToLowerInvariant();
        var user = Admit(userKey, _options.FailuresPerUsername, now, out var wait);
        if (user is null)
        {
            return Reject(context, userKey, _options.FailuresPerUsername, wait, now);
        }

        var addressKey = "a:" + AddressKey(address);
        var source = Admit(addressKey, _options.FailuresPerAddress, now, out wait);
        if (source is null)
        {
            user.Abandon();
            return Reject(context, addressKey, _options.FailuresPerAddress, wait, now);
        }

        TResult result;
        try
        {
            result = await attempt();
        }
        catch (ApiException e) when (e.StatusCode == StatusCodes.Status401Unauthorized)
        {
            var failedAt = _time.GetUtcNow();
            if (user.Fail(failedAt, _policy, _options.FailuresPerUsername) is { } userLock)
            {
                LogLocked(_logger, "username", address?.ToString() ?? "", userLock.TotalSeconds);
            }

            if (source.Fail(failedAt, _policy, _options.FailuresPerAddress) is { } addressLock)
            {
                LogLocked(_logger, "client address", address?.ToString() ?? "", addressLock.TotalSeconds);
            }

            throw;
        }
        catch
        {
            user.Abandon();
            source.Abandon();
            throw;
        }

        user.Reset();
        source.Abandon();
        return result;
    }

    /// <summary>The address as counted: IPv4 as is (also when mapped into IPv6), IPv6 by its /64, which one
    /// subscriber usually holds whole.</summary>
    internal static string AddressKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes).ToString() + "/64";
    }

    private LoginFailureCounter? Admit(string key, int allowance, DateTimeOffset now, out TimeSpan retryAfter)
    {
        while (true)
        {
            if (!_counters.TryGetValue(key, out var counter))
            {
                if (_counters.Count >= _options.MaxEntries)
                {
                    SweepForced(now);
                }

                counter = _counters.GetOrAdd(key, static _ => new LoginFailureCounter());
            }

            if (counter.TryAdmit(now, _policy, allowance, out retryAfter, out var removed))
            {
                return counter;
            }

            if (!removed)
            {
                return null;
            }

            // The sweep dropped this counter between the lookup and the admission: take a fresh one.
            _counters.TryRemove(new KeyValuePair<string, LoginFailureCounter>(key, counter));
        }
    }

    /// <summary>About once a minute: forgets counters without a lock, an attempt in flight or a recent failure.</summary>
    private void Sweep(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref _lastSweepTicks);
        if (now.UtcTicks - last < SweepInterval.Ticks || Interlocked.CompareExchange(ref _lastSweepTicks, now.UtcTicks, last) != last)
        {
            return;
        }

        RemoveWhere(now, force: false, int.MaxValue);
    }

    /// <summary>At the cap (at most once a second): the idle counters go, then unlocked ones until 90 % of the cap.
    /// Locked counters stay, so a flood of new names cannot unlock anyone; the cap is soft by them.</summary>
    private void SweepForced(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref _lastForcedSweepTicks);
        if (now.UtcTicks - last < ForcedSweepInterval.Ticks || Interlocked.CompareExchange(ref _lastForcedSweepTicks, now.UtcTicks, last) != last)
        {
            return;
        }

        RemoveWhere(now, force: false, int.MaxValue);
        var target = _options.MaxEntries / 10 * 9;
        if (_counters.Count > target)
        {
            RemoveWhere(now, force: true, _counters.Count - target);
        }
    }

    private void RemoveWhere(DateTimeOffset now, bool force, int limit)
    {
        var removed = 0;
        foreach (var (key, counter) in _counters)
        {
            if (removed >= limit)
            {
                return;
            }

            if (counter.TryRemove(now, _policy.Window, force))
            {
                _counters.TryRemove(new KeyValuePair<string, LoginFailureCounter>(key, counter));
                removed++;
            }
        }
    }

    /// <summary>429 in the contract's rate-limit format, with the X-RateLimit-* headers of the key that is locked.</summary>
    private static JsonHttpResult<RateLimitedDto> Reject(HttpContext context, string key, int allowance, TimeSpan wait, DateTimeOffset now)
    {
        var seconds = Math.Max(wait.TotalSeconds, 0.001);
        var headers = context.Response.Headers;
        headers.RetryAfter = Math.Ceiling(seconds).ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Limit"] = allowance.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = "0";
        headers["X-RateLimit-Reset"] = ((now + wait).ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset-After"] = seconds.ToString("0.000", CultureInfo.InvariantCulture);
        headers["X-RateLimit-Bucket"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("login|" + key)).AsSpan(0, 8));
        return TypedResults.Json(new RateLimitedDto("rate limited", Math.Round(seconds, 3), false), CirculJson.Options, statusCode: StatusCodes.Status429TooManyRequests);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Failed logins locked a {Kind} for {Seconds} s (last attempt from {Address})")]
    private static partial void LogLocked(ILogger logger, string kind, string address, double seconds);
}
