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
    public static ServiceProvider Create(string connectionString, IDictionary<string, string?>? settings = null)
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
        return services.BuildServiceProvider(validateScopes: true);
    }

    /// <summary>Migrates and loads the city pack, as the app does before it serves.</summary>
    public static async Task<ServiceProvider> CreateStartedAsync(string connectionString)
    {
        var sp = Create(connectionString);
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
