using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Org;
using Microsoft.Extensions.Configuration;

namespace CommandCenter.Core.Data;

/// <summary>What must hold before the app serves: a reachable, migrated database with the city loaded.</summary>
public sealed class DatabaseStartup(IConfiguration configuration, DatabaseMigrator migrator, OrgService org, DemoAccounts demo)
{
    public async Task RunAsync(CancellationToken ct = default)
    {
        var cs = Database.RequireConnectionString(configuration.GetConnectionString(Database.ConnectionName));
        await migrator.MigrateAsync(cs, ct);
        await org.ImportCityPackAsync(ct);
        if (configuration.GetValue<bool>("CommandCenter:Demo"))
            await demo.EnsureAsync(ct);
    }
}
