using System.Security.Cryptography;
using System.Xml.Linq;
using CommandCenter.Core.Features.Identity;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CommandCenter.IntegrationTests.Features.Identity;

/// <summary>The key ring in PostgreSQL: what one node (or one run) stores, another reads.</summary>
public sealed class DataProtectionKeyStoreTests(IdentityDatabase db) : IClassFixture<IdentityDatabase>
{
    [Fact]
    public void GetAllElements_StoredByAnotherInstance_ReadsThem()
    {
        using var first = NpgsqlDataSource.Create(db.Db.ConnectionString);
        using var second = NpgsqlDataSource.Create(db.Db.ConnectionString);
        var name = $"key-{Guid.NewGuid():N}";
        var element = new XElement("key", new XAttribute("id", name), new XElement("creationDate", "2026-11-27T00:00:00Z"));

        new DataProtectionKeyStore(first).StoreElement(element, name);

        var read = new DataProtectionKeyStore(second).GetAllElements();
        Assert.Contains(read, e => XNode.DeepEquals(e, element));
    }

    [Fact]
    public void StoreElement_SameFriendlyNameTwice_KeepsTheFirst()
    {
        using var source = NpgsqlDataSource.Create(db.Db.ConnectionString);
        var store = new DataProtectionKeyStore(source);
        var name = $"key-{Guid.NewGuid():N}";

        store.StoreElement(new XElement("key", new XAttribute("id", name), "first"), name);
        store.StoreElement(new XElement("key", new XAttribute("id", name), "second"), name);

        Assert.Equal("first", Assert.Single(store.GetAllElements(), e => (string?)e.Attribute("id") == name).Value);
    }

    [Fact]
    public void Unprotect_ByAnotherProviderOnTheSameStore_RoundTrips()
    {
        using var first = Provider(db.Db.ConnectionString, out var firstServices);
        var secret = first.CreateProtector("cc.test").Protect("北京 ticket 42");
        using var second = Provider(db.Db.ConnectionString, out var secondServices);

        Assert.Equal("北京 ticket 42", second.CreateProtector("cc.test").Unprotect(secret));
        Assert.NotSame(firstServices.GetRequiredService<IKeyManager>(), secondServices.GetRequiredService<IKeyManager>());
    }

    [Fact]
    public void Unprotect_ByAProviderWithItsOwnKeyRing_Fails()
    {
        // The control for the test above: without the shared store the payload cannot be read.
        using var shared = Provider(db.Db.ConnectionString, out _);
        var secret = shared.CreateProtector("cc.test").Protect("北京 ticket 42");
        using var isolated = new ServiceCollection().AddDataProtection().SetApplicationName("CommandCenter").UseEphemeralDataProtectionProvider()
            .Services.BuildServiceProvider();

        Assert.ThrowsAny<CryptographicException>(() =>
            isolated.GetRequiredService<IDataProtectionProvider>().CreateProtector("cc.test").Unprotect(secret));
    }

    /// <summary>A provider configured as the app configures it: its own data source and key manager, keys in PostgreSQL.</summary>
    private static DisposableProvider Provider(string connectionString, out ServiceProvider services)
    {
        var source = NpgsqlDataSource.Create(connectionString);
        var collection = new ServiceCollection();
        collection.AddLogging();
        collection.AddDataProtection().SetApplicationName("CommandCenter");
        collection.Configure<KeyManagementOptions>(o => o.XmlRepository = new DataProtectionKeyStore(source));
        services = collection.BuildServiceProvider();
        return new DisposableProvider(services.GetRequiredService<IDataProtectionProvider>(), services, source);
    }

    private sealed class DisposableProvider(IDataProtectionProvider inner, ServiceProvider services, NpgsqlDataSource source)
        : IDataProtectionProvider, IDisposable
    {
        public IDataProtector CreateProtector(string purpose) => inner.CreateProtector(purpose);

        public void Dispose()
        {
            services.Dispose();
            source.Dispose();
        }
    }
}
