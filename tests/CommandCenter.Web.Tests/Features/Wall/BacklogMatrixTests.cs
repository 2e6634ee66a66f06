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

        // Every district, in adcode order, down the side; the busiest department first across.
        Assert.Equal(["东城", "西城", "朝阳"], matrix.FindAll("tbody th").Select(h => h.TextContent).ToList());
        Assert.Equal(["", "城管委", "城管执法局", "未派单", "公安交管局", "交通委", "合计"], matrix.FindAll("thead th").Select(h => h.TextContent.Trim()).ToList());
        var hot = Cell(matrix, "110105", "city-management");
        Assert.Equal(("30", "20"), (hot.GetAttribute("data-open"), hot.GetAttribute("data-overdue")));
        Assert.Contains("超20", hot.TextContent); // overdue in text, not only in colour
        Assert.Contains("wall-level-4", hot.ClassName);
        Assert.Contains("wall-level-0", Cell(matrix, "110101", "city-management").ClassName);
        Assert.Equal("·", Cell(matrix, "110105", "city-enforcement").TextContent.Trim());
        var grand = Cell(matrix, "total", "total");
        Assert.Equal(("59", "24"), (grand.GetAttribute("data-open"), grand.GetAttribute("data-overdue")));
        Assert.Equal("42", Cell(matrix, "total", "city-management").GetAttribute("data-open"));
        Assert.Equal("32", Cell(matrix, "110105", "total").GetAttribute("data-open"));
    }

    [Fact]
    public async Task BacklogMatrix_TooManyDepartments_TheQuietestShareOneColumn()
    {
        await using var ctx = WallFixtures.Context();

        var matrix = ctx.Render<BacklogMatrix>(p => p.Add(m => m.Backlog, Backlog).Add(m => m.Names, WallFixtures.Names).Add(m => m.MaxDepartments, 2));

        var columns = matrix.FindAll("thead th[data-department]").Select(r => r.GetAttribute("data-department")).ToList();
        Assert.Equal(["city-management", "city-enforcement", "others", "total"], columns);
        Assert.Equal("其他 3 个部门", matrix.Find("thead th[data-department='others']").TextContent);
        Assert.Equal("9", Cell(matrix, "total", "others").GetAttribute("data-open"));
        Assert.Equal("7", Cell(matrix, "110102", "others").GetAttribute("data-open"));
    }

    [Fact]
    public async Task BacklogMatrix_Clickable_SelectsACellAndKeepsItsHandlerAcrossLiveRenders()
    {
        await using var ctx = WallFixtures.Context();
        BacklogSelection? selected = null;
        var matrix = ctx.Render<BacklogMatrix>(p => p.Add(m => m.Backlog, Backlog).Add(m => m.Names, WallFixtures.Names)
            .Add(m => m.OnSelect, s => selected = s));
        const string cell = "td[data-department='city-management'][data-open='30']";
        var handler = matrix.Find(cell).GetAttribute("blazor:onclick");

        // A live render: new numbers elsewhere. Re-registering every cell's handler each second was most of a console's render batch.
        matrix.Render(p => p.Add(m => m.Backlog, [.. Backlog.Select(c => c with { Open = c.DistrictAdcode == "110101" ? c.Open + 1 : c.Open })]));

        Assert.Equal(handler, matrix.Find(cell).GetAttribute("blazor:onclick"));
        matrix.Find(cell).Click();
        Assert.Equal(new BacklogSelection("city-management", "110105"), selected);
    }

    [Fact]
    public async Task BacklogMatrix_Empty_SaysSo()
    {
        await using var ctx = WallFixtures.Context();

        var matrix = ctx.Render<BacklogMatrix>(p => p.Add(m => m.Backlog, []).Add(m => m.Names, WallFixtures.Names));

        Assert.Equal("当前没有未办结诉求", matrix.Find("#matrix-empty").TextContent);
    }

    private static AngleSharp.Dom.IElement Cell(IRenderedComponent<BacklogMatrix> matrix, string district, string department) =>
        matrix.Find($"tr[data-district='{district}'] td[data-department='{department}']");
}
