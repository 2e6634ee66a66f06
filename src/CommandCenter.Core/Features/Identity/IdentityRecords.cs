namespace CommandCenter.Core.Features.Identity;

public sealed record AppUser(
    long Id, string UserName, string DisplayName, IReadOnlyList<string> Roles,
    string? DistrictAdcode, string? StreetCode, string? DepartmentCode,
    bool Disabled, DateTimeOffset? LockedUntil, Guid SecurityStamp, DateTimeOffset CreatedAt, DateTimeOffset? LastLoginAt)
{
    public AccessScope Scope => new(Roles.ToHashSet(), DistrictAdcode, StreetCode, DepartmentCode);
}

/// <summary>What an administrator fills in for a new account or a change of roles.</summary>
public sealed record UserDraft(string UserName, string DisplayName, IReadOnlyList<string> Roles,
    string? DistrictAdcode = null, string? StreetCode = null, string? DepartmentCode = null);

public sealed record WallDevice(long Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastSeenAt);

/// <summary>An external system with an API key; also a feed: <paramref name="ExpectedCadence"/> (null: sends on demand) and when it last delivered.</summary>
public sealed record ApiClient(long Id, string Name, string KeyPrefix, string? DepartmentCode, int RateLimitPerMinute,
    DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt,
    TimeSpan? ExpectedCadence = null, DateTimeOffset? LastReceivedAt = null);

/// <summary>A secret shown exactly once, at creation; only its hash is stored.</summary>
public sealed record IssuedSecret<T>(T Item, string Secret);

public sealed record AuditEvent(long Id, DateTimeOffset At, string Actor, string Action, string? Subject, string? Detail, string? Ip);

/// <summary>Who did something, for the audit trail.</summary>
public sealed record Actor(string Name, string? Ip = null)
{
    public static readonly Actor System = new("system");
}

public enum SignInStatus { Succeeded, Failed }

/// <summary>Outcome of a password sign-in. Failure is deliberately one status: no hint whether the user exists or is locked.</summary>
public sealed record SignInResult(SignInStatus Status, AppUser? User)
{
    public static readonly SignInResult Failed = new(SignInStatus.Failed, null);
}

/// <summary>A rule of the identity feature was broken by input; the message is safe to show.</summary>
public sealed class IdentityValidationException(string message) : Exception(message);
