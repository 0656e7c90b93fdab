/**
 * Helpers shared by contrast4j's modules and not part of the API: the argument checks every public method uses.
 * Exported only to contrast4j's own modules.
 */
package org.contrast4j.internal;
