using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Web.Features.Dispatch;
using CommandCenter.Web.Features.Dispatch.Components;
using CommandCenter.Web.Tests.Features.Wall;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CommandCenter.Web.Tests.Features.Dispatch;

public sealed class DispatchButtonTests
{
    [Fact]
    public async Task DispatchButton_Commander_OneClickAndEditForTheSource()
    {
        await using var ctx = Context();

        var button = ctx.Render<DispatchButton>(p => p.Add(b => b.Source, OrderSource.Compound([9, 7, 8]))
            .AddCascadingValue(new Commander(AccessScope.For(Roles.Commander), new Actor("commander"))));

        var group = button.Find(".cc-dispatch");
        Assert.Equal("compound:7", group.GetAttribute("data-source"));
        Assert.Equal("派单", button.Find(".cc-dispatch__one").TextContent.Trim());
        Assert.Equal("编辑后派单", button.Find(".cc-dispatch__edit").TextContent.Trim());
        Assert.False(button.Find(".cc-dispatch__one").HasAttribute("disabled"));
    }

    [Theory]
    [InlineData(Roles.Supervisor)]
    [InlineData(Roles.WallDisplay)]
    [InlineData(Roles.Liaison)]
    public async Task DispatchButton_NotACommander_NothingRendered(string role)
    {
        await using var ctx = Context();

        var button = ctx.Render<DispatchButton>(p => p.Add(b => b.Source, OrderSource.Dispute(42))
            .AddCascadingValue(new Commander(AccessScope.For(role), new Actor(role))));

        Assert.Empty(button.FindAll(".cc-dispatch"));
    }

    [Fact]
    public async Task DispatchButton_NoCommanderCascaded_NothingRendered()
    {
        await using var ctx = Context();

        var button = ctx.Render<DispatchButton>(p => p.Add(b => b.Source, OrderSource.Incident(42)));

        Assert.Empty(button.FindAll(".cc-dispatch"));
    }

    /// <summary>Rendering only: the service is never called, so it needs none of its parts.</summary>
    private static BunitContext Context()
    {
        var ctx = WallFixtures.Context();
        ctx.Services.AddSingleton(new DispatchService(null!, null!, null!, null!, null!, null!, null!, null!, Options.Create(new DispatchOptions())));
        ctx.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        return ctx;
    }
}
