namespace CommandCenter.Web.Features.Wall.Components;

/// <summary>
/// A clicked cell of the backlog matrix: the open incidents a department leads in a district. A null part is "every":
/// a district's total, a department's total, or (both null) the whole backlog. "" as department is "not assigned".
/// </summary>
public sealed record BacklogSelection(string? DepartmentCode, string? DistrictAdcode);
