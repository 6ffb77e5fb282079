import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';

/**
 * Request options choosing a patch's content type. The client sends JSON patch unless told otherwise; ephemeral
 * containers need a strategic merge patch (a merge patch would replace the whole list and is refused), and
 * status or metadata updates read best as merge patches.
 */
export const strategicMerge = () => setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
export const mergePatch = () => setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
