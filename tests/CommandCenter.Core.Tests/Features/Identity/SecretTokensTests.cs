using System.Text.RegularExpressions;
using CommandCenter.Core.Features.Identity;

namespace CommandCenter.Core.Tests.Features.Identity;

public sealed partial class SecretTokensTests
{
    [Theory]
    [InlineData(SecretTokens.DevicePrefix)]
    [InlineData(SecretTokens.ApiKeyPrefix)]
    public void Generate_Prefix_StartsWithItAndCarries32RandomBytesUrlSafe(string prefix)
    {
        var token = SecretTokens.Generate(prefix);

        Assert.StartsWith(prefix, token, StringComparison.Ordinal);
        // 32 bytes in unpadded base64url are 43 characters.
        Assert.Equal(prefix.Length + 43, token.Length);
        Assert.Matches(UrlSafe(), token[prefix.Length..]);
    }

    [Fact]
    public void Generate_1000Times_AllDistinct()
    {
        var tokens = Enumerable.Range(0, 1000).Select(_ => SecretTokens.Generate(SecretTokens.ApiKeyPrefix)).ToList();

        Assert.Equal(1000, tokens.Distinct(StringComparer.Ordinal).Count());
        // Not merely distinct: no shared body beyond the prefix, as a counter or clock would give.
        Assert.Equal(1000, tokens.Select(t => t[4..12]).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Hash_SameSecret_IsStableSha256Of32Bytes()
    {
        var token = SecretTokens.Generate(SecretTokens.DevicePrefix);

        var first = SecretTokens.Hash(token);
        var second = SecretTokens.Hash(new string(token.ToCharArray()));

        Assert.Equal(32, first.Length);
        Assert.Equal(first, second);
        // SHA-256 of UTF-8 "abc": stored hashes must not change between releases.
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", Convert.ToHexStringLower(SecretTokens.Hash("abc")));
    }

    [Fact]
    public void Hash_DifferentSecrets_Differ()
    {
        Assert.NotEqual(SecretTokens.Hash("ccw_a"), SecretTokens.Hash("ccw_b"));
        Assert.NotEqual(SecretTokens.Hash("ccw_a"), SecretTokens.Hash("cck_a"));
    }

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex UrlSafe();
}
