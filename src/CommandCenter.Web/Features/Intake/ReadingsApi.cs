using System.Text.Json;
using CommandCenter.Core.Features.Intake;
using CommandCenter.Web.Features.Identity;
using Microsoft.AspNetCore.Mvc;

namespace CommandCenter.Web.Features.Intake;

/// <summary>
/// <c>POST /api/v1/readings</c>: sensor platforms send up to 10,000 readings a request with their API key. A bad batch
/// is refused whole with 400 and a problem body listing each bad row (index, field, reason); nothing of it is stored.
/// </summary>
public static class ReadingsApi
{
    public const string Path = "/api/v1/readings";
    private const long MaxBody = 16 * 1024 * 1024;

    public static void MapReadingsApi(this IEndpointRouteBuilder app) =>
        app.MapPost(Path, IngestAsync).RequireAuthorization(Policies.Intake).RequireRateLimiting(IdentityRegistration.ApiRateLimit)
            .DisableAntiforgery().WithMetadata(new RequestSizeLimitAttribute(MaxBody));

    private static async Task<IResult> IngestAsync(HttpRequest request, ReadingService readings, CancellationToken ct)
    {
        if (!request.HasJsonContentType())
            return TypedResults.Problem("Send the readings as application/json.", statusCode: StatusCodes.Status415UnsupportedMediaType);
        JsonDocument body;
        try
        {
            body = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 8 }, ct);
        }
        catch (JsonException e)
        {
            return TypedResults.Problem($"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).", statusCode: StatusCodes.Status400BadRequest);
        }
        catch (BadHttpRequestException e)
        {
            return TypedResults.Problem(e.Message, statusCode: e.StatusCode);
        }
        using (body)
        {
            try
            {
                var stored = await readings.IngestAsync(request.HttpContext.User.IdOf() ?? 0, body.RootElement, ct);
                return TypedResults.Ok(new { stored });
            }
            catch (ReadingBatchException e)
            {
                return TypedResults.Problem(e.Message, statusCode: StatusCodes.Status400BadRequest, title: "Readings refused",
                    extensions: new Dictionary<string, object?> { ["errors"] = e.Errors.Select(x => new { row = x.Row, field = x.Field, reason = x.Reason }) });
            }
        }
    }
}
