using CommandCenter.Core;
using CommandCenter.Core.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace CommandCenter.Testing;

/// <summary>Core composed exactly as the app composes it, against a given database, rooted at the repository.</summary>
public static class CoreServices
{
    /// <param name="configure">Runs after Core is added: replace services here (e.g. a FakeTimeProvider).</param>
    public static ServiceProvider Create(string connectionString, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"ConnectionStrings:{Database.ConnectionName}"] = connectionString })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton<IHostEnvironment>(new TestHostEnvironment(RepoPaths.Root));
        services.AddLogging();
        services.AddCommandCenterCore();
        configure?.Invoke(services);
        return services.BuildServiceProvider(validateScopes: true);
    }

    /// <summary>Migrates and loads the city pack, as the app does before it serves.</summary>
    public static async Task<ServiceProvider> CreateStartedAsync(string connectionString, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        var sp = Create(connectionString, settings, configure);
        await sp.GetRequiredService<DatabaseStartup>().RunAsync();
        return sp;
    }

    private sealed class TestHostEnvironment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Production;
        public string ApplicationName { get; set; } = "CommandCenter.Tests";
        public string ContentRootPath { get; set; } = root;
        public IFileProvider ContentRootFileProvider { get; set; } = new PhysicalFileProvider(root);
    }
}
