using CommandCenter.Core.Features.Org;
using CommandCenter.Web.Features.Identity;

namespace CommandCenter.Web.Features.Org;

/// <summary>Read-only reference data for district systems and intake clients: districts, street units, departments, categories.</summary>
public static class OrgApi
{
    public static void MapOrgApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1/org").RequireAuthorization(Policies.OrgRead).RequireRateLimiting(IdentityRegistration.ApiRateLimit);
        api.MapGet("/districts", (OrgService org, CancellationToken ct) => org.ListDistrictsAsync(ct));
        api.MapGet("/districts/{adcode}/streets", async Task<IResult> (string adcode, HttpContext http, OrgService org, CancellationToken ct) =>
            await org.GetDistrictAsync(http.User.ToScope(), adcode, ct) is { } d
                ? TypedResults.Ok(d.StreetUnits)
                : TypedResults.Problem($"No district {adcode}.", statusCode: StatusCodes.Status404NotFound));
        api.MapGet("/departments", (OrgService org, CancellationToken ct) => org.ListDepartmentsAsync(ct));
        api.MapGet("/categories", (OrgService org, CancellationToken ct) => org.ListCategoriesAsync(ct));
    }
}
