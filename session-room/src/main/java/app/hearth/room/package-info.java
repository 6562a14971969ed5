/**
 * Live rooms: lobby and admission, presence in Hazelcast, room lifecycle, guided exercises.
 * Empty until the live-rooms issue fills it; the module exists now so the dependency rules
 * (checked by the gateway's ArchitectureTest) are in place from the start.
 */
package app.hearth.room;
