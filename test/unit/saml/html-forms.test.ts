import { describe, expect, it } from "vitest";
import { errorText } from "../../../src/lib/saml/html-forms.js";

describe("errorText (the IdP's message quoted on failure)", () => {
  it("AD FS: the text of #errorText", () => {
    const html = `<form><input name="UserName"></form><span id="errorText" class="fieldMargin error smallText">Incorrect user ID or password. Type the correct user ID and password, and try again.</span>`;
    expect(errorText(html)).toBe("Incorrect user ID or password. Type the correct user ID and password, and try again.");
  });

  it("a message beside a link keeps the message and leaves out the link's label", () => {
    const html = `<div class="alert alert-danger">Your account is locked. <a href="/help">Get help</a></div>`;
    expect(errorText(html)).toBe("Your account is locked.");
  });

  it("LemonLDAP::NG's error page (message filled in by script, a 'Go to portal' button): nothing, not the button", () => {
    // The shape of LemonLDAP::NG 2.0's error.tpl after a wrong TOTP code (PE_BADOTP = 96).
    const html = `<div id="errorcontent" class="container">
    <div class="message message-negative alert" role="alert"><span trmsg="96"></span>
    </div>
  <div id="error">
    <div class="buttons">
      <a href="http://127.0.0.1:1/?cancel=1&skin=bootstrap" class="btn btn-primary" role="button">
        <span class="fa fa-home"></span>
        <span trspan="goToPortal">Go to portal</span>
      </a>
    </div>
  </div>
</div>`;
    expect(errorText(html)).toBeUndefined();
  });

  it("a message rendered by the server in the same shape is quoted", () => {
    const html = `<div class="message message-negative alert" role="alert"><span trmsg="96">Invalid verification code</span></div><div id="error"><a class="btn">Go to portal</a></div>`;
    expect(errorText(html)).toBe("Invalid verification code");
  });
});
