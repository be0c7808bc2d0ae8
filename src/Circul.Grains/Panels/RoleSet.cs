namespace Circul.Grains.Panels;

/// <summary>A distinct combination of roles, shared by every member who has exactly those roles, so that permissions
/// are computed once per role set and channel rather than once per member.</summary>
public sealed class RoleSet
{
    public static readonly RoleSet Empty = new([]);

    private RoleSet(string[] roleIds)
    {
        RoleIds = roleIds;
        Key = string.Join(',', roleIds);
    }

    /// <summary>Role ids, sorted ordinally.</summary>
    public IReadOnlyList<string> RoleIds { get; }

    public string Key { get; }

    public static RoleSet Of(IEnumerable<string> roleIds)
    {
        var sorted = roleIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return sorted.Length == 0 ? Empty : new RoleSet(sorted);
    }

    public RoleSet With(string roleId) => RoleIds.Contains(roleId) ? this : Of(RoleIds.Append(roleId));

    public RoleSet Without(string roleId) => RoleIds.Contains(roleId) ? Of(RoleIds.Where(r => r != roleId)) : this;
}
