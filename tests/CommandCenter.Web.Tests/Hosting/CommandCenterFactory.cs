using CommandCenter.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CommandCenter.Web.Tests.Hosting;

/// <summary>
/// The whole app in memory (TestServer) against its own database, with the demo accounts seeded.
/// Program roots itself at the repository (appsettings.json and wwwroot/ live there), so the factory must too.
/// </summary>
public sealed class CommandCenterFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    private readonly TestDatabase database = new();

    public async Task InitializeAsync()
    {
        await database.InitializeAsync();
        // Builds the host now: migrations, city pack and demo accounts run before the first test.
        _ = Server;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(RepoPaths.Root);
        builder.UseEnvironment("Production");
        builder.UseSetting("ConnectionStrings:CommandCenter", database.ConnectionString);
        builder.UseSetting("CommandCenter:Demo", "true");
        builder.UseSetting("Simulator:Enabled", "false");
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await database.DisposeAsync();
    }
}
