using Circul.Grains.Panels;

namespace Circul.Grains.Tests.Panels;

/// <summary>The wire names of API.md section 7.</summary>
public sealed class PermissionsTests
{
    private static readonly string[] ContractNames =
    [
        "view_channel", "send_messages", "read_message_history", "add_reactions", "mention_everyone", "manage_messages",
        "manage_channels", "manage_roles", "manage_panel", "create_invite", "kick_members", "ban_members", "administrator",
    ];

    [Theory]
    [InlineData("permissions", "fly")]
    [InlineData("allow", "VIEW_CHANNEL")]
    [InlineData("deny", "")]
    [InlineData("everyone_permissions", "manage_server")]
    public void Parse_AnUnknownName_Throws400NamingTheFieldAndTheName(string field, string unknown)
    {
        var e = Assert.Throws<ApiException>(() => Permissions.Parse(["view_channel", unknown], field));

        Assert.Equal(400, e.StatusCode);
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{unknown}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_EveryContractName_GivesEveryPermission()
    {
        Assert.Equal(Permission.All, Permissions.Parse(ContractNames, "permissions"));
    }

    [Fact]
    public void Parse_NoNames_IsNone_AndRepeatsAreHarmless()
    {
        Assert.Equal(Permission.None, Permissions.Parse([], "permissions"));
        Assert.Equal(Permission.SendMessages, Permissions.Parse(["send_messages", "send_messages"], "permissions"));
    }

    [Fact]
    public void ToNames_OfEverything_IsTheContractsListInItsOrder()
    {
        Assert.Equal(ContractNames, Permissions.ToNames(Permission.All));
    }

    [Fact]
    public void EveryoneDefault_IsTheContractsFiveDefaults()
    {
        Assert.Equal(
            ["view_channel", "send_messages", "read_message_history", "add_reactions", "create_invite"],
            Permissions.ToNames(Permissions.EveryoneDefault));
    }

    [Fact]
    public void EachName_RoundTrips()
    {
        foreach (var name in ContractNames)
        {
            Assert.Equal([name], Permissions.ToNames(Permissions.Parse([name], "permissions")));
        }
    }
}
