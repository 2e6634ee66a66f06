// Loads a classic (UMD) script once; later callers share the same promise.
const loading = new Map();

export function loadScript(src) {
    if (!loading.has(src)) {
        loading.set(src, new Promise((resolve, reject) => {
            const script = document.createElement('script');
            script.src = src;
            script.onload = resolve;
            script.onerror = () => reject(new Error(`Failed to load ${src}`));
            document.head.appendChild(script);
        }));
    }
    return loading.get(src);
}
