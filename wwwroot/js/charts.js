// ApexCharts interop for the ApexChart component: maps our typed ChartSpec to ApexCharts options.
import { loadScript } from './load.js';

function options(spec, element) {
    const fg = spec.dark ? '#e6edf7' : '#22324a';
    // Walls size text in CSS (viewport units); ApexCharts wants pixels, so read what the CSS resolved to.
    const px = spec.scaleText ? `${Math.round(parseFloat(getComputedStyle(element).fontSize))}px` : undefined;
    const shown = new Set(spec.categories.filter((_, i) => i % (spec.labelEvery || 1) === 0));
    const labels = {
        ...(px ? { style: { fontSize: px } } : {}),
        ...(spec.labelEvery > 1 ? { rotate: 0, formatter: v => (shown.has(v) ? v : '') } : {}),
    };
    const mixed = spec.series.some(s => s.type || s.dash);
    return {
        chart: {
            type: spec.type, height: spec.fill ? '100%' : spec.height, stacked: spec.stacked, background: 'transparent',
            toolbar: { show: false }, animations: { enabled: false }, fontFamily: 'inherit', foreColor: fg,
        },
        theme: { mode: spec.dark ? 'dark' : 'light' },
        series: spec.series.map(s => (s.type ? { name: s.name, data: s.data, type: s.type } : { name: s.name, data: s.data })),
        xaxis: { categories: spec.categories, labels: spec.valueLabels && spec.horizontal ? { show: false } : labels, tooltip: { enabled: false } },
        // ApexCharts cuts y labels at 160 px: at a 4K wall's text size a six-character category (物业管理纠纷) did not fit.
        ...(px ? { yaxis: { labels: { style: { fontSize: px }, maxWidth: Math.max(160, 7 * parseFloat(px)) }, ...(spec.horizontal ? {} : { decimalsInFloat: 0, forceNiceScale: true }) } } : {}),
        ...(spec.yMin != null || spec.yMax != null ? { yaxis: { min: spec.yMin ?? undefined, max: spec.yMax ?? undefined, decimalsInFloat: spec.yDecimals, tickAmount: spec.yTicks } } : {}),
        // Absent, not undefined, when not mixed: ApexCharts reads the defaults only for keys that are missing.
        ...(mixed ? { stroke: { width: spec.series.map(s => ((s.type ?? spec.type) === 'line' ? 3 : 0)), dashArray: spec.series.map(s => s.dash ?? 0), curve: 'smooth' } } : {}),
        plotOptions: { bar: { horizontal: spec.horizontal, barHeight: '70%', columnWidth: '60%', dataLabels: { position: spec.valueLabels ? 'top' : 'center' } } },
        colors: spec.colors ?? undefined,
        ...(spec.bands ? {
            annotations: {
                yaxis: spec.bands.map(b => ({
                    y: b.from, y2: b.to, fillColor: b.color, opacity: 0.18, borderColor: b.color,
                    label: { text: b.label, position: 'left', textAnchor: 'start', borderWidth: 0, style: { background: b.color, color: '#111', fontSize: px } },
                })),
            },
        } : {}),
        dataLabels: spec.valueLabels
            ? { enabled: true, textAnchor: 'start', offsetX: 6, style: { ...(px ? { fontSize: px } : {}), colors: [fg] }, dropShadow: { enabled: false } }
            : { enabled: false },
        legend: { position: 'top', horizontalAlign: 'left', ...(px ? { fontSize: px } : {}) },
        grid: { borderColor: spec.dark ? '#1f3552' : '#e3e8ef' },
        tooltip: { theme: spec.dark ? 'dark' : 'light', x: { formatter: (v, o) => spec.categories[o?.dataPointIndex] ?? v } },
    };
}

export async function create(element, spec) {
    await loadScript('lib/apexcharts/apexcharts.min.js');
    if (!element.isConnected) return null; // the page was left while the library was loading
    let current = spec;
    const chart = new ApexCharts(element, options(spec, element));
    await chart.render();
    // Text sized from CSS follows the screen: redraw when the resolved font size changes (a wall moved to 4K).
    let fontSize = getComputedStyle(element).fontSize;
    const resize = new ResizeObserver(() => {
        const now = getComputedStyle(element).fontSize;
        if (current.scaleText && now !== fontSize) {
            fontSize = now;
            chart.updateOptions(options(current, element), true, false);
        }
    });
    resize.observe(element);
    return {
        update(next) {
            current = next;
            return chart.updateOptions(options(next, element), true, false);
        },
        dispose() {
            resize.disconnect();
            chart.destroy();
        },
    };
}
