using Microsoft.Extensions.Configuration;
using CommandCenter.Core.Data;
using CommandCenter.Core.Data.Bus;
using CommandCenter.Core.Features.Dispatch;
using CommandCenter.Core.Features.Identity;
using CommandCenter.Core.Features.Intake;
using CommandCenter.Core.Features.Incidents;
using CommandCenter.Core.Features.Org;
using CommandCenter.Core.Features.Risk;
using CommandCenter.Core.Features.Rollups;
using CommandCenter.Core.Features.Simulator;
using CommandCenter.Core.Features.Situation;
using Microsoft.AspNetCore.Identity;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace CommandCenter.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>Everything Core offers: one NpgsqlDataSource, stores, feature services, options, the city clock.</summary>
    public static IServiceCollection AddCommandCenterCore(this IServiceCollection services)
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<CityOptions>().BindConfiguration(CityOptions.Section).ValidateDataAnnotations()
            .Validate(o => TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _), "City:TimeZone is not a known time zone")
            .ValidateOnStart();

        // The data source is built lazily so a missing connection string is reported by DatabaseStartup, with advice.
        services.AddSingleton(sp => NpgsqlDataSource.Create(Database.WithDefaults(
            Database.RequireConnectionString(sp.GetRequiredService<IConfiguration>().GetConnectionString(Database.ConnectionName)))));

        services.AddSingleton<DatabaseMigrator>();
        services.AddOptions<BusOptions>().BindConfiguration(BusOptions.Section);
        services.AddSingleton<EventBus>();
        services.AddHostedService(sp => sp.GetRequiredService<EventBus>());
        services.AddOptions<LeadershipOptions>().BindConfiguration(LeadershipOptions.Section);
        services.AddSingleton<Leadership>();
        services.AddHostedService(sp => sp.GetRequiredService<Leadership>());
        services.AddSingleton<DatabaseStartup>();
        services.AddSingleton<CityClock>();
        services.AddSingleton<OrgStore>();
        services.AddSingleton<OrgService>();

        services.AddOptions<AccountOptions>().BindConfiguration(AccountOptions.Section).ValidateOnStart();
        services.AddSingleton<IPasswordHasher<AppUser>, PasswordHasher<AppUser>>();
        services.AddSingleton<UserStore>();
        services.AddSingleton<CredentialStore>();
        services.AddSingleton<AuditStore>();
        services.AddSingleton<SignInService>();
        services.AddSingleton<IdentityAdminService>();
        services.AddSingleton<DemoAccounts>();
        services.AddSingleton<DataProtectionKeyStore>();

        services.AddSingleton<IncidentLocator>();
        services.AddSingleton<CalendarStore>();
        services.AddSingleton<WorkingCalendarService>();
        services.AddSingleton<IncidentStore>();
        services.AddSingleton<IncidentService>();
        services.AddSingleton<IncidentBulkWriter>();
        // The simulator is on in the demo unless Simulator:Enabled says otherwise.
        services.AddOptions<SimulatorOptions>()
            .Configure<IConfiguration>((o, c) => o.Enabled = c.GetValue<bool>("CommandCenter:Demo"))
            .BindConfiguration(SimulatorOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ILeaderJob, IncidentSimulator>();
        services.AddSingleton<Rainstorm>();
        services.AddSingleton<ReadingSimulator>();
        services.AddSingleton<ILeaderJob>(sp => sp.GetRequiredService<ReadingSimulator>());

        services.AddOptions<RollupOptions>().BindConfiguration(RollupOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new RollupGrid(
            sp.GetRequiredService<IOptions<RollupOptions>>().Value.CellMetres, sp.GetRequiredService<IOptions<CityOptions>>().Value.MapCenter[1]));
        services.AddSingleton<RollupStore>();
        services.AddSingleton<RollupHeat>();
        services.AddSingleton<RollupJob>();
        services.AddSingleton<ILeaderJob>(sp => sp.GetRequiredService<RollupJob>());
        services.AddSingleton<BusRetentionJob>();
        services.AddSingleton<ILeaderJob>(sp => sp.GetRequiredService<BusRetentionJob>());

        services.AddOptions<SituationOptions>().BindConfiguration(SituationOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SituationStore>();
        services.AddSingleton<SituationState>();
        services.AddHostedService(sp => sp.GetRequiredService<SituationState>());

        services.AddSingleton<FeedStore>();
        services.AddSingleton<ReadingService>();
        services.AddSingleton<Open311Store>();
        services.AddSingleton<Open311Service>();
        services.AddOptions<CsvImportOptions>().BindConfiguration(CsvImportOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<CsvImportStore>();
        services.AddSingleton<CsvImportService>();

        services.AddOptions<DispatchOptions>().BindConfiguration(DispatchOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DispatchStore>();
        services.AddSingleton<DispatchService>();
        services.AddSingleton<ILeaderJob, EscalationJob>();

        services.AddOptions<RiskOptions>().BindConfiguration(RiskOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<RiskStore>();
        services.AddSingleton<DerivedIndicators>();
        services.AddSingleton<AlertService>();
        services.AddSingleton<AlertOrders>();
        services.AddSingleton<AlertJob>();
        services.AddSingleton<ILeaderJob>(sp => sp.GetRequiredService<AlertJob>());
        services.AddSingleton<RiskState>();
        services.AddHostedService(sp => sp.GetRequiredService<RiskState>());
        return services;
    }
}
