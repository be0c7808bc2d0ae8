namespace Circul.Web.Tests.Infrastructure;

/// <summary>A silo whose login throttle locks for a minute at once, so a test sees the lock however slow the machine.</summary>
public sealed class LongLockSiloFixture : SiloFixture
{
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Circul:LoginThrottle:FirstLockMs"] = "60000";
        settings["Circul:LoginThrottle:FailuresPerUsername"] = "3";
    }
}
