namespace CommandCenter.Core.Features.Identity;

/// <summary>Role names as stored in SQL and carried in claims.</summary>
public static class Roles
{
    public const string Commander = "commander";
    public const string Supervisor = "supervisor";
    public const string Liaison = "liaison";
    public const string Street = "street";
    public const string Department = "department";
    public const string Admin = "admin";
    /// <summary>Held by wall display devices, never by a person's account.</summary>
    public const string WallDisplay = "wall";

    /// <summary>Held by API clients (district systems, intake feeds): they read city-wide reference data.</summary>
    public const string ApiClient = "api-client";

    public static readonly string[] ForUsers = [Commander, Supervisor, Liaison, Street, Department, Admin];

    public static readonly string[] All = [.. ForUsers, WallDisplay];
}
