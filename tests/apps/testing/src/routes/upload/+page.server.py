import testing_uploads


async def default(event):
    form = await event.request.form()
    files = []
    for upload in form.getlist("file"):
        testing_uploads.SEEN.append(upload)
        content = await upload.read()
        files.append(
            {"name": upload.filename, "type": upload.content_type, "content": content.decode()}
        )
    return {"title": form.get("title"), "files": files}


actions = {"default": default}
