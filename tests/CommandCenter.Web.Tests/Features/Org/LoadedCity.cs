using CommandCenter.Core.Features.Org;
using CommandCenter.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Web.Tests.Features.Org;

/// <summary>The real Beijing org data: a test database migrated and loaded exactly as the app does it.</summary>
public sealed class LoadedCity : IAsyncLifetime
{
    private readonly TestDatabase db = new();
    public ServiceProvider Services { get; private set; } = default!;
    public IReadOnlyList<DistrictSummary> Districts { get; private set; } = [];

    public async Task InitializeAsync()
    {
        await db.InitializeAsync();
        Services = await CoreServices.CreateStartedAsync(db.ConnectionString);
        Districts = await Services.GetRequiredService<OrgService>().ListDistrictsAsync();
    }

    public async Task DisposeAsync()
    {
        await Services.DisposeAsync();
        await db.DisposeAsync();
    }
}
