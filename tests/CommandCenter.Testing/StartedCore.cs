using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace CommandCenter.Testing;

/// <summary>
/// A fresh database, migrated and loaded exactly as the app does it, with Core composed on it — optionally on a
/// test clock. Use it as a class fixture, or own one per test class through <see cref="IAsyncLifetime"/>.
/// </summary>
public class StartedCore(TimeProvider? time = null, IDictionary<string, string?>? settings = null) : IAsyncLifetime
{
    public TestDatabase Db { get; } = new();

    public ServiceProvider Services { get; private set; } = default!;

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public virtual async Task InitializeAsync()
    {
        await Db.InitializeAsync();
        Services = await CoreServices.CreateStartedAsync(Db.ConnectionString, settings, configure: time is null ? null : s => s.AddSingleton(time));
    }

    public async Task DisposeAsync()
    {
        if (Services is not null) await Services.DisposeAsync();
        await Db.DisposeAsync();
    }
}
