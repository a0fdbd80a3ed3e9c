/** Base64 of bytes with only web-standard globals (btoa), so it runs in Node 16+ and browsers. */
export function base64(bytes: Uint8Array): string {
  let binary = '';
  // Chunks keep String.fromCharCode's argument count far below engine limits.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** `data:image/png;base64,...` for PNG bytes. */
export function pngDataURL(png: Uint8Array): string {
  return `data:image/png;base64,${base64(png)}`;
}
