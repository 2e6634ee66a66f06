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

// Moves an alert's words down below any earlier alert's words they would cover (the server lists red first), so
// alerts in neighbouring districts stay readable; no alert loses its text. Run again after every zoom.
function unstack(markers) {
    const placed = [];
    for (const marker of markers) {
        const text = marker.getElement()?.querySelector('.cc-marker__text');
        if (!text) continue;
        text.style.transform = '';
        const box = text.getBoundingClientRect();
        let shift = 0;
        for (let clash; (clash = placed.find(k => box.left < k.right && box.right > k.left && box.top + shift < k.bottom && box.bottom + shift > k.top));)
            shift = clash.bottom + 2 - box.top;
        if (shift) text.style.transform = `translateY(${shift}px)`;
        placed.push({ left: box.left, right: box.right, top: box.top + shift, bottom: box.bottom + shift });
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

// Each point is drawn as a blurred disc about a radius wide, so a busy spot's colour builds up from the discs of its
// neighbours too: "full" is set a few busy screen cells high, or the whole city centre reads as one red blob.
const heatCellsPerSpot = 4;
// Warm colours only: the district shading underneath is blue.
const heatGradient = { 0.1: '#1a9850', 0.35: '#91cf60', 0.55: '#fee08b', 0.75: '#fc8d59', 1.0: '#e8262a' };

function range(values) {
    const all = Object.values(values);
    return all.length ? [Math.min(...all), Math.max(...all)] : [0, 0];
}

export async function create(element, view, dotnet) {
    await loadScript('lib/leaflet/leaflet.js');
    const fixed = view.interactive === false;
    const map = L.map(element, {
        attributionControl: false, zoomSnap: 0.25, minZoom: 6, maxZoom: 18, zoomControl: !fixed,
        dragging: !fixed, scrollWheelZoom: !fixed, doubleClickZoom: !fixed, boxZoom: !fixed, keyboard: !fixed, touchZoom: !fixed,
    });
    map.setView([view.center[1], view.center[0]], view.zoom);
    element.ccMap = map; // lets browser tests turn a coordinate into a pixel to click
    if (view.tileUrl) L.tileLayer(view.tileUrl, { maxZoom: 18 }).addTo(map);
    // The outlines' SVG goes into the overlay pane now, before any heat canvas, so the heat always draws on top.
    const vectors = L.svg().addTo(map);
    const outlines = L.layerGroup().addTo(map);
    const labels = L.layerGroup().addTo(map);
    const points = L.layerGroup().addTo(map);
    const alerts = L.layerGroup().addTo(map);
    let markers = [];
    let alertMarkers = [];
    let shapes = null;
    let drawn = null;   // the layers last drawn
    let fitTo = null;   // what the view is fitted to
    let heat = null;    // leaflet.heat layer, created on first use
    const heatPoints = new Map();
    let heatDraws = 0;
    const heatRadius = () => Math.max(10, Math.round(Math.min(element.clientWidth, element.clientHeight) / 40));
    // leaflet.heat sums the points in each screen cell of half a radius; at city zoom one screen cell holds many grid
    // cells, so "full" is the busiest screen cells (95th percentile of the sums), not one grid cell.
    const heatMax = () => {
        const size = Math.max(1, heatRadius() / 2), sums = new Map();
        for (const [lat, lon, w] of heatPoints.values()) {
            const p = map.latLngToContainerPoint([lat, lon]);
            const key = Math.floor(p.x / size) + ',' + Math.floor(p.y / size);
            sums.set(key, (sums.get(key) || 0) + w);
        }
        const sorted = [...sums.values()].sort((a, b) => a - b);
        // Never above the busiest cell: a few incidents in a quiet city still show at full colour.
        return sorted.length ? Math.min(sorted[Math.floor((sorted.length - 1) * 0.95)] * heatCellsPerSpot, sorted[sorted.length - 1]) : 1;
    };
    const relabel = () => requestAnimationFrame(() => { declutter(markers); unstack(alertMarkers); });
    map.on('zoomend resize', relabel);
    const resize = new ResizeObserver(() => {
        map.invalidateSize();
        // An unattended screen has nobody to re-centre it: keep the city filling the map at any size.
        if (fixed && fitTo) map.fitBounds(fitTo.getBounds(), { padding: [12, 12], animate: false });
        if (heat) heat.setOptions({ radius: heatRadius(), blur: Math.round(heatRadius() * 0.8) });
    });
    resize.observe(element);
    let disposed = false;

    const restyle = (layers, colours) => {
        const [min, max] = range(layers.values);
        const faint = id => layers.focus && layers.focus !== id;
        shapes.eachLayer(layer => {
            const f = layer.feature;
            const value = layers.values[f.id];
            const name = layers.labels[f.id] ?? f.properties.name;
            // A live screen restyles a few times a second: touch the SVG only where something changed, or the
            // browser repaints the whole map every time.
            const fillColor = shade(value, min, max, colours), fillOpacity = faint(f.id) ? 0.15 : 0.85;
            if (layer.options.fillColor !== fillColor || layer.options.fillOpacity !== fillOpacity) layer.setStyle({ fillColor, fillOpacity });
            const tip = value === undefined ? name : `${name}  ${value}`;
            if (layer.getTooltip()?.getContent()?.textContent !== tip) layer.setTooltipContent(textTooltip(tip));
        });
    };

    return {
        async setLayers(layers) {
            element.dataset.ready = 'false';
            const geo = await fetchGeo(layers.geoJsonUrl);
            if (disposed) return; // the page was left while the outlines were loading
            const colours = layers.dark ? palette.dark : palette.light;
            outlines.clearLayers();
            labels.clearLayers();
            points.clearLayers();
            const faint = id => layers.focus && layers.focus !== id;
            shapes = L.geoJSON(geo, {
                renderer: vectors,
                style: f => ({
                    color: layers.dark ? '#5fa8ff' : '#15315a', weight: faint(f.id) ? 0.75 : 1.5, opacity: faint(f.id) ? 0.4 : 0.9,
                }),
                onEachFeature: (f, layer) => {
                    layer.bindTooltip(textTooltip(''), { sticky: true });
                    if (fixed) return;
                    layer.on('click', e => dotnet.invokeMethodAsync('DistrictClicked', f.id, e.latlng.lng, e.latlng.lat,
                        map.distance(e.latlng, map.containerPointToLatLng(e.containerPoint.add([1, 0])))));
                    layer.on('mouseover', () => layer.setStyle({ weight: 3 }));
                    layer.on('mouseout', () => layer.setStyle({ weight: 1.5 }));
                },
            }).addTo(outlines);
            restyle(layers, colours);
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
            fitTo = shapes.getLayers().find(l => l.feature.id === layers.focus) ?? shapes;
            map.fitBounds(fitTo.getBounds(), { padding: [12, 12], animate: false });
            drawn = layers;
            relabel();
            element.dataset.ready = 'true';
        },
        // Only the shading changed: restyle the drawn outlines, keep the view.
        setValues(values) {
            if (!shapes || !drawn) return;
            drawn = { ...drawn, values };
            restyle(drawn, drawn.dark ? palette.dark : palette.light);
        },
        // Heat points by key: upsert [{key, lon, lat, weight}], remove [key]; weights are relative to max.
        async updateHeat(upsert, remove, max) {
            await loadScript('lib/leaflet.heat/leaflet-heat.js');
            if (disposed) return;
            for (const key of remove) heatPoints.delete(key);
            // Square roots: a few very busy cells would otherwise leave the rest of the city invisible.
            for (const p of upsert) heatPoints.set(p.key, [p.lat, p.lon, Math.sqrt(p.weight)]);
            if (!heat) {
                heat = L.heatLayer([], { radius: heatRadius(), blur: Math.round(heatRadius() * 0.8), minOpacity: 0.15, gradient: heatGradient }).addTo(map);
                // Its own pane above the district shading (leaflet.heat puts its canvas in the overlay pane, where the
                // outlines' SVG may be drawn over it).
                const pane = map.getPane('heat') || map.createPane('heat');
                pane.style.zIndex = 450;
                pane.style.pointerEvents = 'none';
                pane.appendChild(heat._canvas);
                map.on('zoomend', () => heat.setOptions({ max: heatMax(), maxZoom: map.getZoom() }));
            }
            heat.setLatLngs([...heatPoints.values()]);
            heat.setOptions({ max: heatMax(), maxZoom: map.getZoom() });
            element.dataset.heatPoints = String(heatPoints.size);
            // leaflet.heat draws in the next animation frame; this callback runs after it, so the count says "drawn".
            requestAnimationFrame(() => { element.dataset.heatDrawn = String(++heatDraws); });
        },
        // Alert markers [{key, lon, lat, text, kind}], replacing the last set: a pin in the kind's colour with its text
        // beside it (the level in words, never colour alone), above the heat.
        setMarkers(list) {
            alerts.clearLayers();
            alertMarkers = [];
            for (const m of list) {
                const box = document.createElement('span');
                box.className = `cc-marker cc-marker--${m.kind}`;
                const pin = document.createElement('span');
                pin.className = 'cc-marker__pin';
                const text = document.createElement('span');
                text.className = 'cc-marker__text';
                text.textContent = m.text;
                box.append(pin, text);
                alertMarkers.push(L.marker([m.lat, m.lon], {
                    icon: L.divIcon({ className: 'cc-marker-icon', html: box, iconSize: null }), interactive: false, keyboard: false, zIndexOffset: 1000,
                }).addTo(alerts));
            }
            unstack(alertMarkers);
            element.dataset.markers = String(list.length);
        },
        // A popup of plain text: citizens' words are set with textContent, never parsed as HTML. The link is ours.
        showPopup(p) {
            const box = document.createElement('div');
            box.className = 'cc-map-popup';
            const title = document.createElement('strong');
            title.textContent = p.title;
            box.appendChild(title);
            for (const line of p.lines) {
                const item = document.createElement('div');
                item.className = 'cc-map-popup__item';
                const head = document.createElement('div');
                head.className = 'cc-map-popup__head';
                head.textContent = line.head;
                const text = document.createElement('div');
                text.textContent = line.text;
                item.append(head, text);
                box.appendChild(item);
            }
            if (p.linkHref) {
                const link = document.createElement('a');
                link.href = p.linkHref;
                link.textContent = p.linkText;
                box.appendChild(link);
            }
            L.popup({ maxWidth: 360 }).setLatLng([p.lat, p.lon]).setContent(box).openOn(map);
        },
        dispose() {
            disposed = true;
            resize.disconnect();
            // leaflet.heat removes its canvas from the overlay pane: put it back there first.
            if (heat) map.getPanes().overlayPane.appendChild(heat._canvas);
            map.remove();
        },
    };
}
