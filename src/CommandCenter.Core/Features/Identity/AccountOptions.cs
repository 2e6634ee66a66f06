namespace CommandCenter.Core.Features.Identity;

/// <summary>Section "Identity".</summary>
public sealed class AccountOptions
{
    public const string Section = "Identity";

    public int MaxFailedLogins { get; set; } = 5;
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
    public int MinPasswordLength { get; set; } = 10;
    /// <summary>How long a person's sign-in lasts without activity (sliding).</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(8);
    /// <summary>How long a wall device stays signed in (sliding: months).</summary>
    public TimeSpan DeviceSessionLifetime { get; set; } = TimeSpan.FromDays(180);
    /// <summary>How often a live session is re-checked (revocation, disabled account, changed roles).</summary>
    public TimeSpan RevalidationInterval { get; set; } = TimeSpan.FromSeconds(30);
}
