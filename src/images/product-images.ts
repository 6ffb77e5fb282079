import type { ImageJob } from './images.ts';
import { toeImage } from './toe-image.ts';
import { toolImages } from './tool-images.ts';

/** The product's images, in build order: localhost/toe, then every powertools/ and samples/apps/ recipe. */
export async function productImages(cacheDir: string): Promise<ImageJob[]> {
  return [await toeImage(cacheDir), ...(await toolImages(cacheDir))];
}
