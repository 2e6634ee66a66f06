using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;

namespace CommandCenter.Core.Features.Identity;

/// <summary>
/// The Data Protection key ring in PostgreSQL, shared by every node: cookies and anti-forgery tokens
/// issued before a restart, or by another node, stay valid.
/// </summary>
public sealed class DataProtectionKeyStore(NpgsqlDataSource dataSource) : IXmlRepository
{
    // The interface is synchronous; the key ring is read rarely (start-up and refresh every ~24 h).
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var conn = dataSource.OpenConnection();
        return conn.Query<string>("select xml from data_protection_key order by id").Select(XElement.Parse).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        const string sql = "insert into data_protection_key (friendly_name, xml) values (@friendlyName, @xml) on conflict (friendly_name) do nothing";
        using var conn = dataSource.OpenConnection();
        conn.Execute(sql, new { friendlyName, xml = element.ToString(SaveOptions.DisableFormatting) });
    }
}
