using System.Collections.Immutable;

namespace Circul.Grains.Panels;

/// <summary>A panel's members and their role sets: one interned <see cref="RoleSet"/> per distinct combination (shared
/// by reference, so snapshots memoise permissions per set), and how many members hold each set, kept up to date on
/// every membership or role change so that per-role-set work (grouping panel_updated by view, finding view changes)
/// never walks the member list. Not thread-safe: the panel grain owns it; <see cref="Members"/> is immutable.</summary>
public sealed class RoleSetIndex
{
    private readonly Dictionary<string, RoleSet> _interned = new(StringComparer.Ordinal) { [""] = RoleSet.Empty };
    private readonly Dictionary<RoleSet, int> _uses = new(ReferenceEqualityComparer.Instance);

    /// <summary>Each member's role set, as the snapshots take it.</summary>
    public ImmutableDictionary<string, RoleSet> Members { get; private set; } = ImmutableDictionary.Create<string, RoleSet>(StringComparer.Ordinal);

    /// <summary>The role sets at least one member holds.</summary>
    public IReadOnlyCollection<RoleSet> InUse => _uses.Keys;

    public int Count => Members.Count;

    public bool Contains(string userId) => Members.ContainsKey(userId);

    /// <summary>How many members hold exactly this (interned) role set.</summary>
    public int UsesOf(RoleSet roles) => _uses.GetValueOrDefault(roles);

    /// <summary>The shared instance of a role set equal to <paramref name="roles"/>.</summary>
    public RoleSet Intern(RoleSet roles)
    {
        if (_interned.TryGetValue(roles.Key, out var existing))
        {
            return existing;
        }

        _interned[roles.Key] = roles;
        return roles;
    }

    /// <summary>Replaces every member (activation).</summary>
    public void Load(IEnumerable<(string UserId, IEnumerable<string> RoleIds)> members)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, RoleSet>(StringComparer.Ordinal);
        foreach (var (userId, roleIds) in members)
        {
            builder[userId] = Intern(RoleSet.Of(roleIds));
        }

        Members = builder.ToImmutable();
        _uses.Clear();
        foreach (var roles in Members.Values)
        {
            _uses[roles] = _uses.GetValueOrDefault(roles) + 1;
        }
    }

    /// <summary>Sets (or with null removes) one member, keeping the use counts in step.</summary>
    public void Put(string userId, RoleSet? roles)
    {
        if (Members.TryGetValue(userId, out var old) && --_uses[old] == 0)
        {
            _uses.Remove(old);
        }

        if (roles is null)
        {
            Members = Members.Remove(userId);
            return;
        }

        roles = Intern(roles);
        Members = Members.SetItem(userId, roles);
        _uses[roles] = _uses.GetValueOrDefault(roles) + 1;
    }

    /// <summary>Takes a role away from every member who has it (the role was deleted).</summary>
    public void RemoveRole(string roleId)
    {
        foreach (var (userId, roles) in Members)
        {
            if (roles.RoleIds.Contains(roleId))
            {
                Put(userId, roles.Without(roleId));
            }
        }
    }

    public void Clear()
    {
        Members = Members.Clear();
        _uses.Clear();
    }
}
