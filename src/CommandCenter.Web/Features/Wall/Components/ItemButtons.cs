using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace CommandCenter.Web.Features.Wall.Components;

/// <summary>
/// Makes list items keyboard-reachable buttons when the page handles clicks (the console), nothing otherwise (the wall).
/// Each item's attributes are kept across renders: a new closure every render made Blazor re-register the handlers of
/// every clickable item (hundreds per console render, most of each render batch).
/// </summary>
internal sealed class ItemButtons<T>(object receiver) where T : notnull
{
    private const int MaxKept = 4096;
    private readonly Dictionary<T, Dictionary<string, object>> kept = [];
    private EventCallback<T> current;

    public Dictionary<string, object>? For(EventCallback<T> onSelect, T item)
    {
        if (!onSelect.HasDelegate) return null;
        current = onSelect; // the kept handlers call the latest callback
        if (kept.TryGetValue(item, out var attributes)) return attributes;
        if (kept.Count >= MaxKept) kept.Clear();
        return kept[item] = new()
        {
            ["role"] = "button",
            ["tabindex"] = "0",
            ["onclick"] = EventCallback.Factory.Create<MouseEventArgs>(receiver, () => current.InvokeAsync(item)),
            ["onkeydown"] = EventCallback.Factory.Create<KeyboardEventArgs>(receiver, e => e.Key is "Enter" or " " ? current.InvokeAsync(item) : Task.CompletedTask),
        };
    }
}
