// Leaflet interop for the LeafletMap component. Text is always set with textContent, never as HTML.
import { loadScript } from './load.js';

const palette = { light: ['#dbe8f6', '#a9c7ea', '#6fa0d8', '#3a76bd', '#1b4f8f'], dark: ['#10263f', '#173a61', '#1f5288', '#2a6fb3', '#3d8fe0'] };
const geoCache = new Map();

function fetchGeo(url) {
    if (!geoCache.has(url)) {
        geoCache.set(url, fetch(url).then(r => {
            if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
            return r.json();
        }));
    }
    return geoCache.get(url);
}

function shade(value, min, max, colours) {
    if (value === undefined || value === null) return 'transparent';
    const t = max > min ? (value - min) / (max - min) : 0.5;
    return colours[Math.min(colours.length - 1, Math.floor(t * colours.length))];
}

// Hides labels that would overlap a label of a larger district; run again after every zoom.
function declutter(markers) {
    const kept = [];
    for (const marker of markers) {
        const el = marker.getElement();
        if (!el) continue;
        el.classList.remove('district-label--hidden');
        const box = el.firstChild.getBoundingClientRect();
        const clash = kept.some(k => box.left < k.right && box.right > k.left && box.top < k.bottom && box.bottom > k.top);
        if (clash) el.classList.add('district-label--hidden'); else kept.push(box);
    }
}

function textTooltip(text) {
    const span = document.createElement('span');
    span.textContent = text;
    return span;
}

function labelIcon(text) {
    const span = document.createElement('span');
    span.textContent = text;
    return L.divIcon({ className: 'district-label', html: span, iconSize: null });
}

function boundsArea(b) {
    return (b.getEast() - b.getWest()) * (b.getNorth() - b.getSouth());
}

export async function create(element, view, dotnet) {
    await loadScript('lib/leaflet/leaflet.js');
    const map = L.map(element, { attributionControl: false, zoomSnap: 0.25, minZoom: 6, maxZoom: 18 });
    map.setView([view.center[1], view.center[0]], view.zoom);
    if (view.tileUrl) L.tileLayer(view.tileUrl, { maxZoom: 18 }).addTo(map);
    const outlines = L.layerGroup().addTo(map);
    const labels = L.layerGroup().addTo(map);
    const points = L.layerGroup().addTo(map);
    let markers = [];
    const relabel = () => requestAnimationFrame(() => declutter(markers));
    map.on('zoomend resize', relabel);
    const resize = new ResizeObserver(() => map.invalidateSize());
    resize.observe(element);
    let disposed = false;

    return {
        async setLayers(layers) {
            element.dataset.ready = 'false';
            const geo = await fetchGeo(layers.geoJsonUrl);
            if (disposed) return; // the page was left while the outlines were loading
            const colours = layers.dark ? palette.dark : palette.light;
            const values = Object.values(layers.values);
            const min = Math.min(...values), max = Math.max(...values);
            outlines.clearLayers();
            labels.clearLayers();
            points.clearLayers();
            const faint = id => layers.focus && layers.focus !== id;
            const shapes = L.geoJSON(geo, {
                style: f => ({
                    color: layers.dark ? '#5fa8ff' : '#15315a', weight: faint(f.id) ? 0.75 : 1.5, opacity: faint(f.id) ? 0.4 : 0.9,
                    fillColor: shade(layers.values[f.id], min, max, colours), fillOpacity: faint(f.id) ? 0.15 : 0.85,
                }),
                onEachFeature: (f, layer) => {
                    const value = layers.values[f.id];
                    const name = layers.labels[f.id] ?? f.properties.name;
                    layer.bindTooltip(textTooltip(value === undefined ? name : `${name}  ${value}`), { sticky: true });
                    layer.on('click', () => dotnet.invokeMethodAsync('DistrictClicked', f.id));
                    layer.on('mouseover', () => layer.setStyle({ weight: 3 }));
                    layer.on('mouseout', () => layer.setStyle({ weight: 1.5 }));
                },
            }).addTo(outlines);
            // Larger districts label first, so small central ones give way when zoomed out.
            const byArea = shapes.getLayers().map(l => ({ f: l.feature, size: boundsArea(l.getBounds()) })).sort((a, b) => b.size - a.size);
            markers = byArea.filter(({ f }) => !faint(f.id)).map(({ f }) => {
                const text = layers.labels[f.id] ?? f.properties.name;
                const [lon, lat] = f.properties.center;
                return L.marker([lat, lon], { icon: labelIcon(text), interactive: false, keyboard: false }).addTo(labels);
            });
            for (const p of layers.points ?? []) {
                L.circleMarker([p.lat, p.lon], { radius: 5, weight: 1, color: '#ffffff', fillColor: '#c8102e', fillOpacity: 0.9, className: 'street-point' })
                    .bindTooltip(textTooltip(p.label)).addTo(points);
            }
            const focused = shapes.getLayers().find(l => l.feature.id === layers.focus);
            map.fitBounds((focused ?? shapes).getBounds(), { padding: [12, 12], animate: false });
            relabel();
            element.dataset.ready = 'true';
        },
        dispose() {
            disposed = true;
            resize.disconnect();
            map.remove();
        },
    };
}
