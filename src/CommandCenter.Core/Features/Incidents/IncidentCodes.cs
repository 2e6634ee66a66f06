using CommandCenter.Core.Features.Org;

namespace CommandCenter.Core.Features.Incidents;

/// <summary>The text codes the incident tables store for each enum (kebab-case), in both directions.</summary>
public static class IncidentCodes
{
    public static string Code<T>(T value) where T : struct, Enum => Kebab(value.ToString());

    public static T Parse<T>(string code) where T : struct, Enum =>
        Enum.TryParse<T>(code.Replace("-", ""), ignoreCase: true, out var value) ? value : throw new FormatException($"Unknown {typeof(T).Name} '{code}'");

    public static string SlaCode(SlaTier tier) => tier switch
    {
        SlaTier.Hours2 => "2h",
        SlaTier.Hours24 => "24h",
        SlaTier.WorkingDays7 => "7d",
        _ => "15d",
    };

    private static string Kebab(string pascal) =>
        string.Concat(pascal.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    /// <summary>"13812345678" → "138****5678"; names keep their first character. Null stays null.</summary>
    public static string? MaskPhone(string? phone) =>
        phone is null ? null : phone.Length <= 4 ? new string('*', phone.Length) : phone.Length <= 7 ? new string('*', phone.Length - 4) + phone[^4..]
            : phone[..3] + new string('*', phone.Length - 7) + phone[^4..];

    public static string? MaskName(string? name) => name is not { Length: > 0 } ? name : name[..1] + new string('*', Math.Max(1, name.Length - 1));
}
