using System.Collections.Immutable;

namespace Circul.Client;

/// <summary>The bot's panels and channels: immutable maps swapped under a lock, so readers never lock and always see
/// one consistent state.</summary>
internal sealed class BotCache
{
    private readonly Lock _lock = new();
    private ImmutableDictionary<string, Panel> _panels = ImmutableDictionary<string, Panel>.Empty;
    private ImmutableDictionary<string, PanelChannel> _channels = ImmutableDictionary<string, PanelChannel>.Empty;

    public IReadOnlyCollection<Panel> Panels => (IReadOnlyCollection<Panel>)_panels.Values.ToList();

    public IEnumerable<PanelChannel> AllChannels => _channels.Values;

    public Panel? GetPanel(string panelId) => _panels.GetValueOrDefault(panelId);

    public PanelChannel? GetChannel(string channelId) => _channels.GetValueOrDefault(channelId);

    public IReadOnlyList<PanelChannel> GetChannels(string panelId) =>
        _channels.Values.Where(c => c.PanelId == panelId)
            .OrderBy(c => c.Position).ThenBy(c => c.Name, StringComparer.Ordinal).ThenBy(c => c.Id, StringComparer.Ordinal)
            .ToList();

    public void Replace(IEnumerable<(Panel Panel, IReadOnlyList<PanelChannel> Channels)> panels)
    {
        var p = ImmutableDictionary.CreateBuilder<string, Panel>();
        var c = ImmutableDictionary.CreateBuilder<string, PanelChannel>();
        foreach (var (panel, channels) in panels)
        {
            p[panel.Id] = panel;
            foreach (var channel in channels)
            {
                c[channel.Id] = channel;
            }
        }

        lock (_lock)
        {
            _panels = p.ToImmutable();
            _channels = c.ToImmutable();
        }
    }

    public void SetPanel(Panel panel, IReadOnlyList<PanelChannel>? channels = null)
    {
        lock (_lock)
        {
            _panels = _panels.SetItem(panel.Id, panel);
            if (channels is not null)
            {
                _channels = _channels.RemoveRange(_channels.Values.Where(c => c.PanelId == panel.Id).Select(c => c.Id))
                    .SetItems(channels.Select(c => KeyValuePair.Create(c.Id, c)));
            }
        }
    }

    public Panel? RemovePanel(string panelId)
    {
        lock (_lock)
        {
            var removed = _panels.GetValueOrDefault(panelId);
            _panels = _panels.Remove(panelId);
            _channels = _channels.RemoveRange(_channels.Values.Where(c => c.PanelId == panelId).Select(c => c.Id));
            return removed;
        }
    }

    /// <summary>Applies a change to a cached panel (no-op when it is not cached).</summary>
    public void UpdatePanel(string panelId, Func<Panel, Panel> change)
    {
        lock (_lock)
        {
            if (_panels.TryGetValue(panelId, out var panel))
            {
                _panels = _panels.SetItem(panelId, change(panel));
            }
        }
    }

    public void SetChannel(PanelChannel channel)
    {
        lock (_lock)
        {
            _channels = _channels.SetItem(channel.Id, channel);
        }
    }

    public PanelChannel? RemoveChannel(string channelId)
    {
        lock (_lock)
        {
            var removed = _channels.GetValueOrDefault(channelId);
            _channels = _channels.Remove(channelId);
            return removed;
        }
    }
}
