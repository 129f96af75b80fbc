/** The MedualTime model. */
package io.medualtime.model;
