using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace CommandCenter.Web.Features.Wall.Components;

/// <summary>Makes a list item a keyboard-reachable button when the page handles clicks (the console), nothing otherwise (the wall).</summary>
internal static class ItemButton
{
    public static Dictionary<string, object>? For<T>(object receiver, EventCallback<T> onSelect, T item)
    {
        if (!onSelect.HasDelegate) return null;
        return new()
        {
            ["role"] = "button",
            ["tabindex"] = "0",
            ["onclick"] = EventCallback.Factory.Create<MouseEventArgs>(receiver, () => onSelect.InvokeAsync(item)),
            ["onkeydown"] = EventCallback.Factory.Create<KeyboardEventArgs>(receiver, e => e.Key is "Enter" or " " ? onSelect.InvokeAsync(item) : Task.CompletedTask),
        };
    }
}
