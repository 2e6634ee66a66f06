// ApexCharts interop for the ApexChart component: maps our typed ChartSpec to ApexCharts options.
import { loadScript } from './load.js';

function options(spec) {
    const fg = spec.dark ? '#e6edf7' : '#22324a';
    return {
        chart: {
            type: spec.type, height: spec.height, stacked: spec.stacked, background: 'transparent',
            toolbar: { show: false }, animations: { enabled: false }, fontFamily: 'inherit', foreColor: fg,
        },
        theme: { mode: spec.dark ? 'dark' : 'light' },
        series: spec.series.map(s => ({ name: s.name, data: s.data })),
        xaxis: { categories: spec.categories },
        plotOptions: { bar: { horizontal: spec.horizontal, barHeight: '70%', columnWidth: '60%' } },
        colors: spec.colors ?? undefined,
        dataLabels: { enabled: false },
        legend: { position: 'top', horizontalAlign: 'left' },
        grid: { borderColor: spec.dark ? '#1f3552' : '#e3e8ef' },
        tooltip: { theme: spec.dark ? 'dark' : 'light' },
    };
}

export async function create(element, spec) {
    await loadScript('lib/apexcharts/apexcharts.min.js');
    if (!element.isConnected) return null; // the page was left while the library was loading
    const chart = new ApexCharts(element, options(spec));
    await chart.render();
    return {
        update(next) { return chart.updateOptions(options(next), true, false); },
        dispose() { chart.destroy(); },
    };
}
