using System.Security.Cryptography;

namespace CommandCenter.Core.Features.Identity;

/// <summary>Random bearer secrets (device tokens, API keys) and the SHA-256 hashes we store instead of them.</summary>
public static class SecretTokens
{
    public const string DevicePrefix = "ccw_";
    public const string ApiKeyPrefix = "cck_";

    public static string Generate(string prefix) =>
        prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    // High-entropy secrets need no salt or stretching: a plain hash is enough and lets us look them up.
    public static byte[] Hash(string secret) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(secret));
}
