namespace Circul.Silo.Tests.Panels;

/// <summary>The object shapes of API.md section 6, asserted field by field.</summary>
public static class PanelShapes
{
    public static void AssertPanel(JsonElement panel)
    {
        Assert.StartsWith("panel-", panel.Str("id"), StringComparison.Ordinal);
        panel.Str("name");
        panel.Str("creator_id");
        var members = panel.Strings("member_ids");
        Assert.Equal(members.Length, panel.Long("member_count"));
        foreach (var role in panel.Items("roles"))
        {
            AssertRole(role);
        }

        foreach (var category in panel.Items("categories"))
        {
            Assert.StartsWith("cat-", category.Str("id"), StringComparison.Ordinal);
            category.Str("name");
            category.Strings("channel_ids");
        }

        Assert.Equal(JsonValueKind.Object, panel.Prop("member_roles").ValueKind);
        panel.Strings("everyone_permissions");
    }

    public static void AssertRole(JsonElement role)
    {
        Assert.StartsWith("role-", role.Str("id"), StringComparison.Ordinal);
        role.Str("name");
        role.Str("color");
        role.Long("position");
        role.Strings("permissions");
    }

    public static void AssertChannel(JsonElement channel, string panelId)
    {
        Assert.StartsWith("ch-", channel.Str("id"), StringComparison.Ordinal);
        Assert.Equal(panelId, channel.Str("panel_id"));
        channel.Str("name");
        channel.NullableStr("category_id");
        channel.Str("topic");
        channel.Long("position");
        foreach (var o in channel.Items("overrides"))
        {
            o.Str("role_id");
            o.Strings("allow");
            o.Strings("deny");
        }

        channel.Long("unread_count");
    }

    public static void AssertMember(JsonElement member)
    {
        member.Str("id");
        member.Str("name");
        Assert.Contains(member.Str("status"), ContractShapes.Statuses);
        member.Bool("is_bot");
        member.NullableStr("owner_id");
        member.Strings("role_ids");
    }

    /// <summary>A channel message: section 5's object with <c>panel_id</c>, <c>channel_id</c> and <c>conv_id</c> = channel.</summary>
    public static void AssertPanelMessage(JsonElement message, string panelId, string channelId)
    {
        Assert.StartsWith("msg-", message.Str("id"), StringComparison.Ordinal);
        Assert.Equal(panelId, message.NullableStr("panel_id"));
        Assert.Equal(channelId, message.NullableStr("channel_id"));
        Assert.Equal(channelId, message.Str("conv_id"));
        var sender = message.Prop("sender");
        Assert.Equal(message.Str("sender_id"), sender.Str("id"));
        sender.Str("name");
        sender.Bool("is_bot");
        sender.Str("avatar_url");
        message.Str("text");
        message.Bool("bold");
        message.Bool("italic");
        message.Items("mentions");
        message.NullableStr("reply_to_id");
        message.Items("reactions");
        message.Bool("is_system");
        ContractShapes.AssertTimestamp(message.Str("created_at"));
        message.NullableStr("edited_at");
    }
}
