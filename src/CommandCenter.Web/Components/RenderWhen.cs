using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace CommandCenter.Web.Components;

/// <summary>
/// Renders its content again only when <see cref="On"/> changes. A live page re-renders a few times a second; the
/// parts that do not show live data (filter bars, selects with dozens of items) would re-render with it, and every
/// MudBlazor re-render hands the browser new event handlers to take in. <see cref="On"/> must cover all the content shows.
/// </summary>
public sealed class RenderWhen : ComponentBase
{
    [Parameter, EditorRequired] public object? On { get; set; }
    [Parameter] public RenderFragment? ChildContent { get; set; }

    private object? drawnFor;

    protected override void OnInitialized() => drawnFor = On;

    protected override bool ShouldRender()
    {
        if (Equals(drawnFor, On)) return false;
        drawnFor = On;
        return true;
    }

    protected override void BuildRenderTree(RenderTreeBuilder builder) => builder.AddContent(0, ChildContent);
}
