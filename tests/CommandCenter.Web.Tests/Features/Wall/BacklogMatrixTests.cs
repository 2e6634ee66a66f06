using CommandCenter.Core.Features.Situation;
using CommandCenter.Web.Features.Wall.Components;

namespace CommandCenter.Web.Tests.Features.Wall;

public sealed class BacklogMatrixTests
{
    private static readonly IReadOnlyList<BacklogCell> Backlog =
    [
        new("city-management", "110101", 12, 0, TimeSpan.FromHours(5)),
        new("city-management", "110105", 30, 20, TimeSpan.FromHours(30)),
        new("city-enforcement", "110101", 8, 1, TimeSpan.FromHours(50)),
        new("traffic-police", "110102", 3, 3, TimeSpan.FromHours(2)),
        new("transport", "110105", 2, 0, TimeSpan.FromHours(2)),
        new("", "110102", 4, 0, TimeSpan.FromHours(1)),
    ];

    [Fact]
    public async Task BacklogMatrix_Cells_ShowOpenOverdueAndTotals()
    {
        await using var ctx = WallFixtures.Context();

        var matrix = ctx.Render<BacklogMatrix>(p => p.Add(m => m.Backlog, Backlog).Add(m => m.Names, WallFixtures.Names));

        var headers = matrix.FindAll("thead th").Select(h => h.TextContent.Trim()).ToList();
        Assert.Equal(["部门", "东城", "西城", "朝阳", "合计"], headers);
        // Busiest department first.
        Assert.Equal("城管委", matrix.Find("tbody tr").QuerySelector("th")!.TextContent);
        var hot = Cell(matrix, "city-management", "110105");
        Assert.Equal(("30", "20"), (hot.GetAttribute("data-open"), hot.GetAttribute("data-overdue")));
        Assert.Contains("超20", hot.TextContent); // overdue in text, not only in colour
        Assert.Contains("wall-level-4", hot.ClassName);
        Assert.Contains("wall-level-0", Cell(matrix, "city-management", "110101").ClassName);
        Assert.Equal("·", Cell(matrix, "city-enforcement", "110105").TextContent.Trim());
        Assert.Equal("未派单", Row(matrix, "").QuerySelector("th")!.TextContent);
        var grand = matrix.Find("tfoot td:last-child");
        Assert.Equal(("59", "24"), (grand.GetAttribute("data-open"), grand.GetAttribute("data-overdue")));
        Assert.Equal("42", Row(matrix, "city-management").QuerySelector("td:last-child")!.GetAttribute("data-open"));
    }

    [Fact]
    public async Task BacklogMatrix_TooManyDepartments_TheQuietestShareOneRow()
    {
        await using var ctx = WallFixtures.Context();

        var matrix = ctx.Render<BacklogMatrix>(p => p.Add(m => m.Backlog, Backlog).Add(m => m.Names, WallFixtures.Names).Add(m => m.MaxDepartments, 2));

        var rows = matrix.FindAll("tbody tr").Select(r => r.GetAttribute("data-department")).ToList();
        Assert.Equal(["city-management", "city-enforcement", "others"], rows);
        var others = Row(matrix, "others");
        Assert.Equal("其他 3 个部门", others.QuerySelector("th")!.TextContent);
        Assert.Equal("9", others.QuerySelector("td:last-child")!.GetAttribute("data-open"));
    }

    [Fact]
    public async Task BacklogMatrix_Empty_SaysSo()
    {
        await using var ctx = WallFixtures.Context();

        var matrix = ctx.Render<BacklogMatrix>(p => p.Add(m => m.Backlog, []).Add(m => m.Names, WallFixtures.Names));

        Assert.Equal("当前没有未办结诉求", matrix.Find("#matrix-empty").TextContent);
    }

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<BacklogMatrix> matrix, string department) =>
        matrix.Find($"tbody tr[data-department='{department}']");

    private static AngleSharp.Dom.IElement Cell(IRenderedComponent<BacklogMatrix> matrix, string department, string district) =>
        Row(matrix, department).QuerySelector($"td[data-district='{district}']")!;
}
