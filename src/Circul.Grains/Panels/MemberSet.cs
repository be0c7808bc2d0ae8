using System.Collections;
using System.Collections.Immutable;

namespace Circul.Grains.Panels;

/// <summary>The ids of a panel's members as an event audience: a read-only set view over the snapshot's members.</summary>
public sealed class MemberSet(ImmutableDictionary<string, RoleSet> members) : IReadOnlySet<string>
{
    public int Count => members.Count;

    public bool Contains(string item) => members.ContainsKey(item);

    public IEnumerator<string> GetEnumerator() => members.Keys.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool IsProperSubsetOf(IEnumerable<string> other) => ToSet().IsProperSubsetOf(other);

    public bool IsProperSupersetOf(IEnumerable<string> other) => ToSet().IsProperSupersetOf(other);

    public bool IsSubsetOf(IEnumerable<string> other) => ToSet().IsSubsetOf(other);

    public bool IsSupersetOf(IEnumerable<string> other) => other.All(Contains);

    public bool Overlaps(IEnumerable<string> other) => other.Any(Contains);

    public bool SetEquals(IEnumerable<string> other) => ToSet().SetEquals(other);

    private HashSet<string> ToSet() => new(members.Keys, StringComparer.Ordinal);
}
