namespace CommandCenter.Web.Resources;

/// <summary>Marker for the department inbox's texts (DepartmentStrings.resx is zh-CN, the default; DepartmentStrings.en.resx is English).</summary>
public sealed class DepartmentStrings;
