using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Simulator;
using Microsoft.Extensions.DependencyInjection;

namespace CommandCenter.Testing;

public static class Generators
{
    /// <summary>The simulator's generator over the database's catalogue, street units and holiday calendar.</summary>
    public static async Task<IncidentGenerator> CreateAsync(IServiceProvider sp, int seed = 12345, CancellationToken ct = default) => new(
        await sp.GetRequiredService<OrgStore>().ListCategoriesAsync(ct), await sp.GetRequiredService<OrgStore>().ListStreetUnitsAsync(null, ct),
        sp.GetRequiredService<IncidentLocator>(), await sp.GetRequiredService<WorkingCalendarService>().GetAsync(ct),
        sp.GetRequiredService<CityClock>().Zone, seed);
}
