/** Neural-network modules, GPT-2, tokenizers, optimisers. */
package io.medualtime.nn;
