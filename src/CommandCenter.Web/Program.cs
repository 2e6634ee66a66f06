using CommandCenter.Core;
using CommandCenter.Web.Hosting;

var root = ContentRoot.Find();
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = root,
    WebRootPath = Path.Combine(root, "wwwroot"),
});
builder.WebHost.UseStaticWebAssets();
builder.Services.AddCommandCenterWeb(builder.Configuration);

var app = builder.Build();
if (!await app.PrepareDatabaseAsync())
    return 1;
app.UseCommandCenterWeb();
await app.RunAsync();
return 0;

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
