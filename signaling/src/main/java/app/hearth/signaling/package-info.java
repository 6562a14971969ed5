/**
 * WebRTC signaling: peer-to-peer offer/answer relay, TURN credentials, Jitsi Videobridge allocation
 * through Colibri2. Empty until the video issue fills it.
 */
package app.hearth.signaling;
