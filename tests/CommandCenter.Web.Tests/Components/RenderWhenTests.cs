using CommandCenter.Web.Components;
using Microsoft.AspNetCore.Components;

namespace CommandCenter.Web.Tests.Components;

public sealed class RenderWhenTests
{
    [Fact]
    public async Task RenderWhen_ParentRendersAgainWithTheSameKey_ContentStaysAsDrawn()
    {
        await using var ctx = WebTestContext.Create();
        var draws = 0;
        RenderFragment Content(string text) => b =>
        {
            draws++;
            b.AddMarkupContent(0, $"<span id=\"text\">{text}</span>");
        };

        var cut = ctx.Render<RenderWhen>(p => p.Add(r => r.On, ("query", 1)).Add(r => r.ChildContent, Content("first")));
        cut.Render(p => p.Add(r => r.On, ("query", 1)).Add(r => r.ChildContent, Content("second")));

        Assert.Equal(1, draws);
        Assert.Equal("first", cut.Find("#text").TextContent);
    }

    [Fact]
    public async Task RenderWhen_KeyChanges_ContentDrawnAgain()
    {
        await using var ctx = WebTestContext.Create();
        RenderFragment Content(string text) => b => b.AddMarkupContent(0, $"<span id=\"text\">{text}</span>");

        var cut = ctx.Render<RenderWhen>(p => p.Add(r => r.On, ("query", 1)).Add(r => r.ChildContent, Content("first")));
        cut.Render(p => p.Add(r => r.On, ("query", 2)).Add(r => r.ChildContent, Content("second")));
        cut.Render(p => p.Add(r => r.On, ("query", 2)).Add(r => r.ChildContent, Content("third")));

        Assert.Equal("second", cut.Find("#text").TextContent);
    }
}
