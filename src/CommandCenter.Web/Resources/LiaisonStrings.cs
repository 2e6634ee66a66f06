namespace CommandCenter.Web.Resources;

/// <summary>Marker for the liaison inbox's texts (LiaisonStrings.resx is zh-CN, the default; LiaisonStrings.en.resx is English).</summary>
public sealed class LiaisonStrings;
